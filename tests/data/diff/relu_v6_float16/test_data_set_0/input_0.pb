
BxJAE¸¾