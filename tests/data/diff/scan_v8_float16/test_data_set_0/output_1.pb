
BysJ0’HÍFŠ?`KH¸F£LBH&JŠMöJ6JÊHEKHbKmEÕHËKNGµJLòHëK