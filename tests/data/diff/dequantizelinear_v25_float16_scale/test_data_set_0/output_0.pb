
ByJeRÇÍæPš>	RT•SPxÍ´NˆSS