
ByJ‹©ºB}<HD