
BxJӼ