
BxJ£iÂLÀºQ+èAá½f?pCO¿[C:=