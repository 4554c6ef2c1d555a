
BxJ$HJqÌaIWI@¾bL˜Ê…L(É–DF9DLOIÀ¼€;¡KèH