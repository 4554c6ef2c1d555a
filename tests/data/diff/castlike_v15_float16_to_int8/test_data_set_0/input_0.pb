
BxJ„QÿR	R5TÿF3Q<Ö<V