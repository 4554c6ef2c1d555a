BysJ¡gÁ/Ù@ Ág‚LA™d
Á+ŽYA