
ByJ0D<FAÀ¿FAD<FA<Â¡³›>¡³<Â¡³D<FAÀ¿FAD<FA<Â¡³›>¡³<Â¡³