
BxJà>c½A¿uAÌ>Jº¨¼ã>
Di·DBFÄ