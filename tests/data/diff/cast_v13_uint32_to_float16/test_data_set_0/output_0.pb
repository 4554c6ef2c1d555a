
ByJ‡T S‡U¿L@T∞\