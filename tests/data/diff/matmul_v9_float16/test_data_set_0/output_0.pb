
ByJæÊMÀÜ-h¿UHFì=2B