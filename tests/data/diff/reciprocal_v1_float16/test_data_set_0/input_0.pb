
BxJŸ8YAÚAÃCšD=Sº}µ