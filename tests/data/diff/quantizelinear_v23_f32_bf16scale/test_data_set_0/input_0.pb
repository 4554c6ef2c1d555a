BxJxœc…ÃÖºÃí†NC¢*ðB·=nCx”Ãæ¬³B¶ùÒÂæ3ŠBUi7Â‰îOÃTª‘ÃàÚôBg?Bek¡ÂkÄÆÂÊO€Cƒm<C ¡CÆlIÃXÄÃFÂgBcY³BBÞhBÍBC.›]¿´ •ÃaÜ
Ã–IÃÇ[­B