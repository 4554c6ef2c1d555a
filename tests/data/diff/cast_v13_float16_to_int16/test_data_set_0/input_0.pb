
BxJÚRSPžQ,VâRJÕ<Ö<V