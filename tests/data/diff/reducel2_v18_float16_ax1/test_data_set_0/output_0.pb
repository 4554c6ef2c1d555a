
ByJÝC‘C±E