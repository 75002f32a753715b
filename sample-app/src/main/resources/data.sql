MERGE INTO product (id, name, category, price, version) KEY (id) VALUES
	(1, 'Espresso beans, 1 kg', 'coffee', 24.90, 0),
	(2, 'Filter coffee, 500 g', 'coffee', 11.50, 0),
	(3, 'Hand grinder', 'coffee', 79.00, 0),
	(4, 'Pour-over dripper', 'coffee', 19.95, 0),
	(5, 'Claw hammer', 'tools', 17.40, 0),
	(6, 'Cordless drill', 'tools', 129.00, 0),
	(7, 'Screwdriver set', 'tools', 32.99, 0),
	(8, 'Tape measure, 5 m', 'tools', 8.75, 0),
	(9, 'Designing Data-Intensive Applications', 'books', 42.00, 0),
	(10, 'The Pragmatic Programmer', 'books', 39.95, 0),
	(11, 'Release It!', 'books', 34.50, 0),
	(12, 'Java Concurrency in Practice', 'books', 45.00, 0);
