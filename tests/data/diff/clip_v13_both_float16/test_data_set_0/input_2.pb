
BmaxJf: