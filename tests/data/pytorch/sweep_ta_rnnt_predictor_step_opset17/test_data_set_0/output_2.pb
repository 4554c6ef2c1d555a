B
new_state0J@Ìl¿>Pàï¾~ÁÀ=tkX¼ö!ƒ>Q#Ã¾We›=|Ø,¿Ìl¿>Pàï¾~ÁÀ=tkX¼ö!ƒ>Q#Ã¾We›=|Ø,¿