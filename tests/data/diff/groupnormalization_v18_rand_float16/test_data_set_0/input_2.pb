
BbiasJ•Â