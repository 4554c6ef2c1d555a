
BxJc»