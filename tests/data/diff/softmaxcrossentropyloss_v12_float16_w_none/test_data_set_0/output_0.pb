
ByJwDZ<Ž<