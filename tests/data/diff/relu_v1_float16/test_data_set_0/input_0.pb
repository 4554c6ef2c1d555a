
BxJQ¹