
ByJEI4h<Ö<a<O¸