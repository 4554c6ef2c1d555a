
ByJE9•B