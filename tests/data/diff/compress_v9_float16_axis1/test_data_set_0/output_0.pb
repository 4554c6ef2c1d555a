
ByJ‚A
¿W¿'¡ÜEHº