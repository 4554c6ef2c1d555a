
ByJà>c=A?uAÌ>J:¨<ã>
Di7DBFD