
BbJq?v>&>