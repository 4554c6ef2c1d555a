
ByJ‹¸