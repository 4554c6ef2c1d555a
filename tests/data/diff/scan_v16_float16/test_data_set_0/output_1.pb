
BysJ"D/F§EtFkIÑIþIHKrK<JªL$L