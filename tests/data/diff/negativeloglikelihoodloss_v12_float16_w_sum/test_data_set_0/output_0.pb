
ByJCF