
ByJ
ÜEQÊK,8pÿ