
BxJc¦gBF<D