
BaJe>à¯.>Q9B¾%C