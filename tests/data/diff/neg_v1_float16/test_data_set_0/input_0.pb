
BxJE¹•Â