
ByJ ¸