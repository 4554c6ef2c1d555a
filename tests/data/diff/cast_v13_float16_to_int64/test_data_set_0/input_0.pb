
BxJ,ITúQQnQcÒ<Ö<V