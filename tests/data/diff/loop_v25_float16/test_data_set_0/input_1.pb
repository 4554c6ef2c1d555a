
BvJM®¹B