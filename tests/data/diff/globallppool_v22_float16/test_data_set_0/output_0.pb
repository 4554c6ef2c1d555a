
ByJE+E‘FÀG9EFG