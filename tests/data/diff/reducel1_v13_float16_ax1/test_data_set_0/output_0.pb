
ByJøF·GOD