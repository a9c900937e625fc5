"""``consultant data update``: find, fetch and load the newest CMS releases.

``catalogue`` says where each product lives, ``discover`` reads the download pages,
``download`` fetches archives (resuming), ``apply`` unpacks and loads one release in one
transaction, ``run`` plans and drives an update, ``status`` reports what is loaded."""
