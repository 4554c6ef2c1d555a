
ByJXERG G[FËFpF