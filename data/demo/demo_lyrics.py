"""Original lyrics for ten demo songs, written for Cadenza's SYNTHETIC demo catalogue.

Each feeling matches the song's pinned mood in `make_demo.py`: sad or lonely words on the slow
minor piano pieces, warm ones on the folk songs, bright ones on the fast major tracks.
`make_demo.py` writes each as `catalog/<stem>.txt`. Apache-2.0, like the rest of the project.
"""

from __future__ import annotations

LYRICS = {
    "late-rain-vigil": """
[Verse]
The kettle's cold, the radio is low
Rain keeps writing names I used to know
Your coat still hangs the way you left it there
A quiet shape of you on every chair

[Chorus]
So I keep the vigil, keep the light
Count the drops that fall across the night
Nobody's coming up the stair
Only rain, and the space where you were
""",
    "last-train-home": """
[Verse]
Empty carriage, yellow light
Every window shows me my own face tonight
Station names go sliding by
Like the friends I never called back, never asked why

[Chorus]
Last train home, and no one waiting
Just the hum of the rails and the hours fading
I could ride to the end of the line
And still not leave this loneliness behind
""",
    "morning-canticle": """
[Verse]
Grey above the hills, then gold
Light comes in where the dark was cold
Open the door and let it in
Every morning we begin

[Chorus]
Rise, and the fields will rise with you
Sing, and the sky will answer too
What was lost in the long night
Comes back whole in the morning light
""",
    "porch-light": """
[Verse]
Dad would leave the porch light on
Moths around it like a slow-turned song
Gravel sounding when the truck came in
Supper waiting in the warm and the din

[Chorus]
Porch light, porch light, burning through the years
Every time I drive past I can see it from here
The house is sold and the paint is new
But that little light still carries me through
""",
    "her-mothers-coat": """
[Verse]
Found it in the cedar chest
Wool gone soft, a button missing from the rest
Pockets full of bus fare and a ribbon
Little things a life is given

[Chorus]
I wear her mother's coat in the snow
It's too big, it's too old, but I don't let it go
Some warmth you don't get to choose
You carry it on, and it carries you
""",
    "sunday-bicycles": """
[Verse]
Sunday morning, bells on the handlebars
Racing down the hill, counting passing cars
Bread in the basket, sun on your nose
Wherever the road goes, that's where it goes

[Chorus]
Oh, ring, ring, here we come
Two wheels spinning in the Sunday sun
Nothing to do and all day to do it
Laughing out loud as we go flying through it
""",
    "carry-me-home": """
[Verse]
You held my hand across the kitchen floor
Dancing to a song we'd never heard before
The window open and the summer air
Your laughter tangled in my hair

[Chorus]
Carry me home, carry me slow
Wherever you are is the place I know
Let the whole wide world go on and on
With you beside me I am already home
""",
    "red-line-sprint": """
[Verse]
Lace up tight, the city's waking
Feel the pavement, feel it shaking
Every heartbeat hits the drum
Go, go, here it comes

[Chorus]
Red line, red line, run it hard
Chasing the morning, block by block
Lungs on fire and I won't stop
Red line, red line, to the top
""",
    "wide-awake": """
[Verse]
Throw the curtains open wide
There's a whole new day outside
Coffee's strong and the music's loud
I could shout it to the crowd

[Chorus]
I'm wide awake, I'm wide awake
Every step is mine to take
Jumping higher than I've ever been
Wide awake and alive again
""",
    "the-tipsy-lantern": """
[Verse]
There's a lantern swinging by the harbour door
And a fiddle calling out across the floor
Pull a stool up, fill the glass again
Here's to strangers turning into friends

[Chorus]
Round and round at the Tipsy Lantern
Stamp your feet and clap your hands
Sing it loud till the morning comes
Dance till you can barely stand
""",
}
