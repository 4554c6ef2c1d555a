
ByJŽ»e¹³AX@