
ByJR¼´Ar8':hÄ>R¼´Ar8