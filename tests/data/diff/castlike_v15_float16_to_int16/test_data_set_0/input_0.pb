
BxJcSnÍFÔùÕqIaÓ<Ö<V