BxJºAì@qA§Á
ÁÏAB	B