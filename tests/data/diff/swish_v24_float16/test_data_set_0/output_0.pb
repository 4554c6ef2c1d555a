
ByJà3