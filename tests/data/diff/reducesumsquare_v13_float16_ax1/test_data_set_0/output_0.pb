
ByJCÛLXE