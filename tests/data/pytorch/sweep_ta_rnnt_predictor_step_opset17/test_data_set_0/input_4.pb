Bstate2J@m—V>çÓ¾,ÄÞ½ø
)?wZ>PU+¾Ep&?q$¿¾m—V>çÓ¾,ÄÞ½ø
)?wZ>PU+¾Ep&?q$¿¾