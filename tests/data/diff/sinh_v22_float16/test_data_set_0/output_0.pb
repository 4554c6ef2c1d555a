
ByJ­M+±ÉC•Q