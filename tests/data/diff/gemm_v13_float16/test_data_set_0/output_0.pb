
ByJFÆíHŸFÊK<¸ÓÌRD?½