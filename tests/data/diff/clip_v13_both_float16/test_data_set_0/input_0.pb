
BxJCAÅB