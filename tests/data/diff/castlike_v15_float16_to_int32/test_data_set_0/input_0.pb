
BxJöÐ+ÍLšÑStT<Ö<V